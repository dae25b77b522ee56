"""Recurrent layers: one forward and backward of nn.RNN, LSTM, GRU under autograd_widgets and PyTorch (one
thread, CPU time, medians), printed as the ratio autograd_widgets / PyTorch.

    PYTHONPATH=$PWD python benchmarks/bench_rnn.py [repeats]

Sizes: the LSTM tagger tutorial's (seq 5, batch 1, 6 -> 6) and d2l's language model (seq 35, batch 32,
28 -> 256). The layers run step by step in Python ops, so small sizes pay per-op overhead.
"""
import statistics
import sys
import time

import torch

import autograd_widgets as aw

SIZES = {"tagger": (5, 1, 6, 6), "d2l": (35, 32, 28, 256)}


def seconds(T, name, size, repeats):
    seq, batch, features, hidden = size
    T.manual_seed(0)
    layer = getattr(T.nn, name)(features, hidden)
    x = T.randn(seq, batch, features)
    times = []
    for _ in range(repeats):
        start = time.process_time()
        layer(x)[0].sum().backward()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main(repeats=5):
    torch.set_num_threads(1)
    for label, size in SIZES.items():
        for name in ("RNN", "LSTM", "GRU"):
            ours, theirs = seconds(aw, name, size, repeats), seconds(torch, name, size, repeats)
            print(f"{label:7s} {name:5s} autograd_widgets {ours * 1e3:8.2f} ms  PyTorch {theirs * 1e3:8.2f} ms  "
                  f"ratio {ours / theirs:6.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
