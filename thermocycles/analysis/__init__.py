"""Plugins that work on any assembled cycle: the Optimizer and the IrreversibleAnalysis."""
