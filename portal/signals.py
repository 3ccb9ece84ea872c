"""Signals other apps listen to without portal importing them."""

from django.dispatch import Signal

# Sent after the effective marking (clearance, 知悉范围, or the neutral slug) of a page subtree changed.
# Argument: root_path, the treebeard path of the subtree's root.
marking_changed = Signal()
