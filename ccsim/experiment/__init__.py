"""Experiments: independent replications of a scenario, run on an executor (in process, a
process pool or a Dask cluster) and summarised with confidence intervals, plus the cautions
that say where a result can mislead.

May import the scenario, the model, the records, the measures and the analytic figures; never
the studies built on experiments, the output layer or the command line.
"""
