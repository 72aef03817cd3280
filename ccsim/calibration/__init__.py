"""Calibration: real contact logs in — read them, fit arrivals, handle times and patience,
write the fitted scenario — and backtest the model against the log's own past.

May import the scenario, model, measures, analytic and experiment layers; never
``ccsim.output`` or ``ccsim.cli``.
"""
