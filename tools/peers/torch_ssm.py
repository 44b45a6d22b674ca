#!/usr/bin/env python3
"""PyTorch peer measurements for the ssm-core benchmark (the same cases, the same JSON lines).

Each op is the plain PyTorch formulation the original projects ship as their reference:
  selectiveScan  Mamba's selective_scan_ref: a Python loop over L with einsum (ALGORITHMS.md 1.6)
  ssdScan        Mamba-2's minimal chunked SSD (ssd_minimal_discrete, ALGORITHMS.md 1.7)
  fftConv        H3's fftconv_ref: torch.fft.rfft/irfft with n = 2L, plus the D skip
  causalConv1d   F.conv1d with groups=D, padding W-1, truncated to L, then SiLU
fwd_ms: forward under torch.no_grad(); fwd_bwd_ms: forward with grad enabled plus
torch.autograd.grad of out with grad_outputs=w (the vector-Jacobian product) w.r.t. every float input. Median of --runs runs after one
warm-up; a case whose runs would exceed --budget seconds runs fewer times ("runs" says how
many), and a case whose warm-up plus one run is estimated over budget (from an 8-16x shorter L,
scaled linearly, quadratically for selective_scan_ref) is skipped.
peak_bytes: resident-set growth during one fwd+bwd call (Linux VmHWM after resetting it through
/proc/self/clear_refs, minus VmRSS before): page-granular, includes allocator caching.

usage: /usr/bin/python3 tools/peers/torch_ssm.py [--threads 1,2] [--runs 5] [--budget 60]
                                                 [--op NAME] [--quick]
"""
import argparse
import ctypes
import gc
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F


# ---------------------------------------------------------------- reference formulations

def selective_scan_ref(u, delta, A, B, C, D=None, z=None, delta_bias=None, delta_softplus=False):
    """u, delta, z: (b, d, l); A: (d, n); B, C: (b, n, l); D, delta_bias: (d)."""
    if delta_bias is not None:
        delta = delta + delta_bias[..., None]
    if delta_softplus:
        delta = F.softplus(delta)
    batch, dim, dstate = u.shape[0], A.shape[0], A.shape[1]
    x = A.new_zeros((batch, dim, dstate))
    delta_a = torch.exp(torch.einsum('bdl,dn->bdln', delta, A))
    delta_b_u = torch.einsum('bdl,bnl,bdl->bdln', delta, B, u)
    ys = []
    for i in range(u.shape[2]):
        x = delta_a[:, :, i] * x + delta_b_u[:, :, i]
        ys.append(torch.einsum('bdn,bn->bd', x, C[:, :, i]))
    y = torch.stack(ys, dim=2)
    out = y if D is None else y + u * D[:, None]
    return out if z is None else out * F.silu(z)


def segsum(x):
    """Stable segment sums: out[..., i, j] = sum(x[..., j+1:i+1]) for i >= j, else -inf."""
    t = x.size(-1)
    x = x[..., None].expand(*x.shape, t)
    mask = torch.tril(torch.ones(t, t, dtype=torch.bool), diagonal=-1)
    x = x.masked_fill(~mask, 0)
    x_segsum = torch.cumsum(x, dim=-2)
    mask = torch.tril(torch.ones(t, t, dtype=torch.bool), diagonal=0)
    return x_segsum.masked_fill(~mask, -torch.inf)


def ssd_minimal_discrete(X, A, B, C, block_len):
    """X: (b, l, h, p); A: (b, l, h); B, C: (b, l, h, n). Returns Y (b, l, h, p)."""
    b, l = X.shape[:2]
    c = l // block_len
    X, A, B, C = [t.reshape(b, c, block_len, *t.shape[2:]) for t in (X, A, B, C)]
    A = A.permute(0, 3, 1, 2)  # b h c l
    A_cumsum = torch.cumsum(A, dim=-1)
    Lmat = torch.exp(segsum(A))
    Y_diag = torch.einsum('bclhn,bcshn,bhcls,bcshp->bclhp', C, B, Lmat, X)
    decay_states = torch.exp(A_cumsum[:, :, :, -1:] - A_cumsum)
    states = torch.einsum('bclhn,bhcl,bclhp->bchpn', B, decay_states, X)
    states = torch.cat([torch.zeros_like(states[:, :1]), states], dim=1)
    decay_chunk = torch.exp(segsum(F.pad(A_cumsum[:, :, :, -1], (1, 0))))
    new_states = torch.einsum('bhzc,bchpn->bzhpn', decay_chunk, states)
    states = new_states[:, :-1]
    Y_off = torch.einsum('bclhn,bchpn,bhcl->bclhp', C, states, torch.exp(A_cumsum))
    return (Y_diag + Y_off).reshape(b, l, *Y_diag.shape[3:])


def ssd_scan(x, dt, A, B, C, D, chunk_size=64):
    """The ssdScan op: x (b,l,h,p), dt (b,l,h), A (h), B, C (b,l,g,n) with g = 1, D (h)."""
    h = x.shape[2]
    Bh = B.expand(-1, -1, h, -1)
    Ch = C.expand(-1, -1, h, -1)
    y = ssd_minimal_discrete(x * dt[..., None], A * dt, Bh, Ch, chunk_size)
    return y + x * D[:, None]


def fftconv_ref(u, k, D):
    """u (b, h, l), k (h, l), D (h)."""
    seqlen = u.shape[-1]
    fft_size = 2 * seqlen
    k_f = torch.fft.rfft(k, n=fft_size) / fft_size
    u_f = torch.fft.rfft(u, n=fft_size)
    y = torch.fft.irfft(u_f * k_f, n=fft_size, norm='forward')[..., :seqlen]
    return y + u * D[:, None]


def causal_conv1d_ref(x, weight, bias):
    """x (b, d, l), weight (d, w), bias (d); SiLU."""
    d, w = weight.shape
    y = F.conv1d(x, weight[:, None, :], bias, padding=w - 1, groups=d)[..., :x.shape[-1]]
    return F.silu(y)


# ---------------------------------------------------------------- cases (match bench/cases/*.ts)

def uniform(shape, lo, hi, gen):
    return torch.rand(*shape, generator=gen) * (hi - lo) + lo


def make_selective_scan(s, gen):
    b, d, l, n = s['B'], s['D'], s['L'], s['N']
    t = dict(u=uniform((b, d, l), -1, 1, gen), delta=uniform((b, d, l), -0.5, 0.5, gen),
             A=-torch.arange(1, n + 1, dtype=torch.float32).repeat(d, 1),
             B=uniform((b, n, l), -1, 1, gen), C=uniform((b, n, l), -1, 1, gen),
             D=uniform((d,), 0, 1, gen), z=uniform((b, d, l), -1, 1, gen),
             delta_bias=uniform((d,), -4.6, -2.3, gen))
    return t, lambda a: selective_scan_ref(**a, delta_softplus=True)


def make_ssd(s, gen):
    b, l, h, p, n = s['B'], s['L'], s['H'], s['P'], s['N']
    t = dict(x=uniform((b, l, h, p), -1, 1, gen), dt=uniform((b, l, h), 0.001, 0.1, gen),
             A=-uniform((h,), 1, 16, gen), B=uniform((b, l, 1, n), -1, 1, gen),
             C=uniform((b, l, 1, n), -1, 1, gen), D=uniform((h,), 0, 1, gen))
    return t, lambda a: ssd_scan(**a)


def make_fftconv(s, gen):
    b, h, l = s['B'], s['H'], s['L']
    t = dict(u=uniform((b, h, l), -1, 1, gen), k=uniform((h, l), -0.05, 0.05, gen), D=uniform((h,), 0, 1, gen))
    return t, lambda a: fftconv_ref(**a)


def make_conv(s, gen):
    b, d, l, w = s['B'], s['D'], s['L'], s['W']
    t = dict(x=uniform((b, d, l), -1, 1, gen), weight=uniform((d, w), -0.5, 0.5, gen),
             bias=uniform((d,), -0.1, 0.1, gen))
    return t, lambda a: causal_conv1d_ref(**a)


def ssd_shape(b, d, l, n):
    return {'B': b, 'L': l, 'H': d // 16, 'P': 16, 'N': n}


CASES = [  # (op, shape, maker, quick, probe L or None)
    ('selectiveScan', {'B': 2, 'D': 64, 'L': 1024, 'N': 16}, make_selective_scan, True, 128),
    ('selectiveScan', {'B': 2, 'D': 64, 'L': 1024, 'N': 64}, make_selective_scan, True, 128),
    ('selectiveScan', {'B': 1, 'D': 256, 'L': 16384, 'N': 16}, make_selective_scan, False, 1024),
    ('ssdScan', ssd_shape(2, 64, 1024, 16), make_ssd, True, 128),
    ('ssdScan', ssd_shape(2, 64, 1024, 64), make_ssd, True, 128),
    ('ssdScan', ssd_shape(1, 256, 16384, 16), make_ssd, False, 1024),
    ('fftConv', {'B': 4, 'H': 64, 'L': 4096}, make_fftconv, True, 512),
    ('fftConv', {'B': 1, 'H': 64, 'L': 65536}, make_fftconv, False, 4096),
    ('causalConv1d', {'B': 8, 'D': 512, 'L': 2048, 'W': 4}, make_conv, True, 256),
]


# ---------------------------------------------------------------- measurement

def rss_bytes(field):
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1]) * 1024
    return 0


def reset_peak_rss():
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
        return True
    except OSError:
        return False


def time_fwd(fn, t):
    with torch.no_grad():
        t0 = time.perf_counter()
        out = fn(t)
        ms = (time.perf_counter() - t0) * 1000
    del out
    return ms


def time_fwd_bwd(fn, t, w):
    xs = {k: v.detach().requires_grad_(True) for k, v in t.items()}
    t0 = time.perf_counter()
    out = fn(xs)
    grads = torch.autograd.grad(out, list(xs.values()), grad_outputs=w)
    ms = (time.perf_counter() - t0) * 1000
    del out, grads, xs
    return ms


def measure(op, shape, maker, probe_l, args, threads):
    base = {'op': op, 'impl': 'pytorch', 'backend': 'torch-cpu', 'threads': threads, 'shape': shape}
    gen = torch.Generator().manual_seed(0)
    if probe_l:
        small = dict(shape, L=probe_l)
        t, fn = maker(small, gen)
        w = torch.rand(fn(t).shape, generator=gen)
        time_fwd_bwd(fn, t, w)
        # selective_scan_ref's backward is quadratic in L: each x[:, :, i] step's backward
        # materializes a zero gradient of the whole (b, d, l, n) tensor.
        scale = (shape['L'] / probe_l) ** (2 if op == 'selectiveScan' else 1)
        est = (time_fwd(fn, t) + time_fwd_bwd(fn, t, w)) * scale * 2 / 1000
        if est > args.budget:
            return dict(base, skipped=f'est. > {args.budget:g} s (~{est:.0f} s for warm-up + one run, from L={probe_l})')
    t, fn = maker(shape, gen)
    with torch.no_grad():
        w = torch.rand(fn(t).shape, generator=gen)
    fwd_warm = time_fwd(fn, t)
    fb_warm = time_fwd_bwd(fn, t, w)
    runs = max(1, min(args.runs, int(args.budget * 1000 / (fwd_warm + fb_warm))))
    fwd = [time_fwd(fn, t) for _ in range(runs)]
    fb = [time_fwd_bwd(fn, t, w) for _ in range(runs)]
    gc.collect()
    try:  # hand freed heap pages back to the OS, or earlier cases' memory hides this one's peak
        ctypes.CDLL('libc.so.6').malloc_trim(0)
    except OSError:
        pass
    before = rss_bytes('VmRSS')
    peak = None
    if reset_peak_rss():
        time_fwd_bwd(fn, t, w)
        peak = max(0, rss_bytes('VmHWM') - before)
    return dict(base, fwd_ms=round(statistics.median(fwd), 3), fwd_bwd_ms=round(statistics.median(fb), 3),
                peak_bytes_fwd_bwd=peak, runs=runs)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--threads', default='1,2')
    p.add_argument('--runs', type=int, default=5)
    p.add_argument('--budget', type=float, default=60.0, help='seconds per case (default 60)')
    p.add_argument('--op', help='comma-separated op names')
    p.add_argument('--quick', action='store_true')
    args = p.parse_args()
    print(f'torch {torch.__version__}', file=sys.stderr)
    for threads in [int(x) for x in args.threads.split(',')]:
        torch.set_num_threads(threads)
        for op, shape, maker, quick, probe_l in CASES:
            if (args.op and op not in args.op.split(',')) or (args.quick and not quick):
                continue
            print(json.dumps(measure(op, shape, maker, probe_l, args, threads), separators=(',', ':')), flush=True)


if __name__ == '__main__':
    main()
