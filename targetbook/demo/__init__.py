"""The embedded demo campaign: seed 000's 34 units, their returns with planted faults."""

from targetbook.demo.run import DEFAULT_OUT, DemoResult, run_demo

__all__ = ["DEFAULT_OUT", "DemoResult", "run_demo"]
