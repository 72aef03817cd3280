"""Output: results folders written atomically, the console tables, the charts and the HTML
reports — everything a planner reads.

May import every layer below it (scenario, records, measures, analytic, experiment, studies,
calibration) to read values it shows; never ``ccsim.cli``. Nothing below imports it.
"""
