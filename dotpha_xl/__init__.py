"""dotpha-xl: cadres' breakthrough tasks (việc đột phá, đổi mới) from Excel templates to ratings."""

__version__ = "0.1.0"
