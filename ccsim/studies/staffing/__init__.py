"""Staffing: how many agents, when — targets, the Erlang floor, the simulation search, the
independent verification, the verdicts per interval, the planner's re-run contract, and
rosters of shifts that cover the requirement.

May import the scenario, model, measures, analytic and experiment layers and
``ccsim.studies`` helpers; never ``ccsim.output`` or ``ccsim.cli``.
"""
