"""Intraday: start the model from the centre as it is now, re-forecast the rest of the day,
and project it — for the plan as it stands and for what-ifs — before acting.

A layer between calibration and output: it may import calibration (the contact-log reading a
state is built from) and everything below it; output and the CLI import it, never the reverse.

* :mod:`ccsim.intraday.state` — the state file (JSON, with a JSON Schema): the time, contacts
  waiting and in service, agents by pool and state, the backlog, volume so far;
* :mod:`ccsim.intraday.reforecast` — the rest of the day's arrivals scaled by how the day is
  running, with shrinkage toward the forecast when little has been seen;
* :mod:`ccsim.intraday.projection` — replications from the state, per-interval fans and the
  paired difference of each what-if on common random numbers;
* :mod:`ccsim.intraday.from_log` — a state from a contact log cut at a time of day.

This package computes; what a projection shows — the console view, the results folder, the
fan chart and the HTML page — is written by :mod:`ccsim.output.intraday_tables` and
:mod:`ccsim.output.intraday_folder`.
"""
