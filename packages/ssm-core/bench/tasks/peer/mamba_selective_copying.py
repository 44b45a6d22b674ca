"""External oracle: a pure-PyTorch 2-layer Mamba (sequential scan) on Selective Copying with the
bench's recipe (bench/tasks). Tells how many steps the recipe needs independently of our tfjs code.
Run: /usr/bin/python3 bench/tasks/peer/mamba_selective_copying.py --len 64 --steps 300 [--lr 1e-2 ...]
Prints one JSON line per log step: {"step", "len", "loss", "acc"} (train batch, before the update)."""
import argparse, json, math
import torch, torch.nn as nn, torch.nn.functional as F

p = argparse.ArgumentParser()
for k, v in dict(len=64, steps=300, batch=16, d_model=64, d_state=16, expand=2, lr=1e-2, ssm_lr=1e-3, wd=0.1,
                 warmup=50, seed=1, log=25, final_len=0, grow_acc=0.9).items():
    p.add_argument('--' + k.replace('_', '-'), type=type(v), default=v)
a = p.parse_args()
torch.manual_seed(a.seed); torch.set_num_threads(1)
VOCAB, NDATA = 16, 16  # data values; noise = 16, marker = 17

def batch(L):
    region = L - NDATA
    pos = torch.rand(a.batch, region).argsort(1)[:, :NDATA].sort(1).values
    tok = torch.randint(0, VOCAB, (a.batch, NDATA))
    x = torch.full((a.batch, L), VOCAB); x.scatter_(1, pos, tok); x[:, region:] = VOCAB + 1
    return x, tok

class Mamba(nn.Module):  # ALGORITHMS §1.6, the reference's init
    def __init__(s, d, N, E):
        super().__init__(); dI, R = E * d, math.ceil(d / 16); s.N, s.R = N, R
        s.in_proj = nn.Linear(d, 2 * dI, bias=False)
        s.conv = nn.Conv1d(dI, dI, 4, groups=dI, padding=3)
        s.x_proj = nn.Linear(dI, R + 2 * N, bias=False)
        s.dt_proj = nn.Linear(R, dI); nn.init.uniform_(s.dt_proj.weight, -R ** -0.5, R ** -0.5)
        dt = torch.exp(torch.rand(dI) * (math.log(0.1) - math.log(1e-3)) + math.log(1e-3)).clamp(min=1e-4)
        with torch.no_grad(): s.dt_proj.bias.copy_(dt + torch.log(-torch.expm1(-dt)))
        s.ssm_A_log = nn.Parameter(torch.log(torch.arange(1, N + 1).float()).repeat(dI, 1))
        s.ssm_D = nn.Parameter(torch.ones(dI))
        s.out_proj = nn.Linear(dI, d, bias=False)
    def forward(s, h):
        L = h.shape[1]
        x, z = s.in_proj(h).chunk(2, -1)
        x = F.silu(s.conv(x.transpose(1, 2))[..., :L].transpose(1, 2))
        dtl, B, C = s.x_proj(x).split([s.R, s.N, s.N], -1)
        dt = F.softplus(s.dt_proj(dtl)); A = -torch.exp(s.ssm_A_log)
        st, ys = torch.zeros(x.shape[0], x.shape[2], s.N), []
        for t in range(L):
            st = torch.exp(dt[:, t, :, None] * A) * st + (dt[:, t] * x[:, t])[..., None] * B[:, t, None]
            ys.append((st * C[:, t, None]).sum(-1))
        y = torch.stack(ys, 1) + x * s.ssm_D
        return s.out_proj(y * F.silu(z))

class RMS(nn.Module):
    def __init__(s, d): super().__init__(); s.norm_w = nn.Parameter(torch.ones(d))
    def forward(s, x): return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * s.norm_w

class Model(nn.Module):
    def __init__(s):
        super().__init__(); d = a.d_model
        s.emb = nn.Embedding(VOCAB + 2, d)  # N(0, 1) like the bench
        s.norms = nn.ModuleList([RMS(d) for _ in range(2)]); s.mixers = nn.ModuleList([Mamba(d, a.d_state, a.expand) for _ in range(2)])
        s.norm = RMS(d); s.head = nn.Linear(d, VOCAB + 2); nn.init.xavier_uniform_(s.head.weight); nn.init.zeros_(s.head.bias)
    def forward(s, x):
        h = s.emb(x)
        for n, m in zip(s.norms, s.mixers): h = h + m(n(h))
        return s.head(s.norm(h[:, -NDATA:]))

m = Model()
ssm = [p_ for n, p_ in m.named_parameters() if 'ssm_' in n]
nodecay = [p_ for n, p_ in m.named_parameters() if 'ssm_' not in n and ('bias' in n or 'norm' in n)]
rest = [p_ for n, p_ in m.named_parameters() if 'ssm_' not in n and not ('bias' in n or 'norm' in n)]
opt = torch.optim.AdamW([dict(params=rest, weight_decay=a.wd), dict(params=nodecay, weight_decay=0.0),
                         dict(params=ssm, lr=a.ssm_lr, weight_decay=0.0)], lr=a.lr)
base = [g['lr'] for g in opt.param_groups]
L, final, ema = a.len, a.final_len or a.len, 0.0
for step in range(1, a.steps + 1):
    f = min(1, step / a.warmup) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * step / a.steps)))
    for g, b in zip(opt.param_groups, base): g['lr'] = b * f
    x, y = batch(L)
    logits = m(x); loss = F.cross_entropy(logits.reshape(-1, VOCAB + 2), y.reshape(-1))
    acc = (logits.argmax(-1) == y).float().mean().item(); ema = acc if step == 1 else 0.9 * ema + 0.1 * acc
    opt.zero_grad(); loss.backward(); nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step()
    if step % a.log == 0 or step == 1: print(json.dumps(dict(step=step, len=L, loss=round(loss.item(), 4), acc=round(ema, 4))), flush=True)
    if L < final and ema >= a.grow_acc: L = min(final, 2 * L)
