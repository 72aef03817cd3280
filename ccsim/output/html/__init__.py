"""The HTML reports: one self-contained page per results folder (a run, a comparison, a
staffing, a fit, a backtest), with its sections, tables, charts and the scenario in words.

Part of ``ccsim.output``; may import the layers below output and ``ccsim.output`` helpers.
"""
