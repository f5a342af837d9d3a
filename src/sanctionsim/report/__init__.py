"""Reports: charts of a scenario and a forecast, and the self-contained HTML report.

* :mod:`sanctionsim.report.data`: plain records drawn from a scenario and a forecast;
* :mod:`sanctionsim.report.charts`: Vega-Lite (Altair) specifications of the charts;
* :mod:`sanctionsim.report.figures`: those same charts as SVG, PDF and PNG (300 dpi) files;
* :mod:`sanctionsim.report.html`: :func:`~sanctionsim.report.html.render_report`, data in,
  one HTML document out, opening offline.

The report draws what the library computed; it never simulates (DESIGN.md: data flows one way).
Plotting libraries are the ``report`` extra and are imported only when a chart is built.
"""
