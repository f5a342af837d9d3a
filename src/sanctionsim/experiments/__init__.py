"""Experiments: policies as declarative scenario changes (:mod:`.policies`), the uncertain inputs
by key (:mod:`.inputs`), experiment specs (:mod:`.spec`), paired comparisons on common random
numbers run on local processes or Dask (:mod:`.runner`), the crash-safe result store
(:mod:`.store`) and Sobol/Morris sensitivity analysis (:mod:`.sensitivity`). See
``docs/experiments.md``."""
