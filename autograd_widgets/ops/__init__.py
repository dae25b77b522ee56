"""The ops: each a Node subclass holding its forward, its VJP and its PyTorch name together."""
