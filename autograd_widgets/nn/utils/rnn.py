"""torch.nn.utils.rnn: pad_sequence (PackedSequence and the pack/unpack functions are not supported)."""
from ... import errors
from ...creation import full
from ...tensor import Tensor


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Sequences of lengths L_i (each (L_i, *)) stacked into (max L, batch, *) (batch first with batch_first),
    padded with padding_value; as aten's pad_sequence, each one copied into its slot of a filled tensor."""
    if padding_side not in ("left", "right"):
        raise errors.runtime(f"Expected padding_side to be one of left or right, but got {padding_side}.",
                             "Pad on the 'right' (after each sequence) or the 'left' (before it).")
    sequences = tuple(sequences.unbind(0) if isinstance(sequences, Tensor) else sequences)
    if not sequences:
        raise errors.runtime("received an empty list of sequences", "Pass at least one sequence.")
    max_len = max(s.size(0) for s in sequences)
    lead = (len(sequences), max_len) if batch_first else (max_len, len(sequences))
    out = full(lead + tuple(sequences[0].shape[1:]), padding_value, dtype=sequences[0].dtype,
               device=sequences[0].device)
    for i, seq in enumerate(sequences):
        length = seq.size(0)
        start = max_len - length if padding_side == "left" else 0
        slot = out.select(0, i).narrow(0, start, length) if batch_first else out.narrow(0, start, length).select(1, i)
        slot.copy_(seq)
    return out


def __getattr__(name):
    raise errors.not_supported(f"torch.nn.utils.rnn.{name}")
