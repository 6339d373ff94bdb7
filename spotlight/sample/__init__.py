"""Sample market generator behind `spotlight sample`: realistic, messy job ads and CVs with known truth."""
from spotlight.sample.generate import SampleSettings, SampleSummary, generate_sample

__all__ = ["SampleSettings", "SampleSummary", "generate_sample"]
