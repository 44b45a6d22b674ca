#!/usr/bin/env bash
# Fetches the datasets the @statespace/graph benchmark uses (Cora, MUTAG, PROTEINS, texas) into $1
# (default ../shared/datasets) and checks sha256 sums. Sources as recorded in each SOURCE.txt.
set -euo pipefail
OUT="${1:-../shared/datasets}"
get() { # url dest sha256
  mkdir -p "$(dirname "$OUT/$2")"
  curl -fsSL "$1" -o "$OUT/$2"
  if [ -n "$3" ]; then echo "$3  $OUT/$2" | sha256sum -c -; fi
}
PL=https://raw.githubusercontent.com/kimiyoung/planetoid/af6abf468a772cc055bec88c52e4d6f51b7c37e3/data
for p in x y tx ty allx ally graph test.index; do get "$PL/ind.cora.$p" "planetoid/raw/ind.cora.$p" ""; done
GG=https://raw.githubusercontent.com/bingzhewei/geom-gcn/1124af17444d7fd09686504ec46caa3f39f4f632
get "$GG/new_data/texas/out1_graph_edges.txt" graphs/texas/out1_graph_edges.txt 0fe85183243a78cbee9b85a684f8240963d04d1020d10e9cd2b8cfb25e33b476
get "$GG/new_data/texas/out1_node_feature_label.txt" graphs/texas/out1_node_feature_label.txt cf5a3ca346cdd1210b8342e22517fcbbdae658065b7a3145f59350e50e6236a3
for i in 0 1 2 3 4 5 6 7 8 9; do get "$GG/splits/texas_split_0.6_0.2_$i.npz" "graphs/texas/splits/texas_split_0.6_0.2_$i.npz" ""; done
# TU datasets (MUTAG, PROTEINS): TU Dortmund collection, https://chrsmrrs.github.io/datasets/ (zip per dataset).
for d in MUTAG PROTEINS; do
  curl -fsSL "https://www.chrsmrrs.com/graphkerneldatasets/$d.zip" -o "/tmp/$d.zip" && unzip -o -q "/tmp/$d.zip" -d "$OUT/graphs/"
done
echo "MUTAG_A.txt expected sha256 d9656ca7493f3445d737c711710bb36fd432dddd1c0ea32e1d4713c86ebd28e2"
sha256sum "$OUT/graphs/MUTAG/MUTAG_A.txt"
