"""Where two sequences (a CPU run's and a design's) first differ: shared by
compare_spikes.py and compare_fields.py."""


def first_difference(cpu, design):
    """The index of the first element that differs; the shorter sequence's
    length when one is a prefix of the other; None when they are equal."""
    for index, (a, b) in enumerate(zip(cpu, design)):
        if a != b:
            return index
    if len(cpu) != len(design):
        return min(len(cpu), len(design))
    return None


def report_difference(cpu, design, describe, lengths_differ):
    """Prints the first difference (`describe(index)` for elements, the
    `lengths_differ` line when one sequence is a prefix of the other);
    returns True when the sequences differ."""
    index = first_difference(cpu, design)
    if index is None:
        return False
    if index < min(len(cpu), len(design)):
        print(describe(index))
    else:
        print(lengths_differ)
    return True
