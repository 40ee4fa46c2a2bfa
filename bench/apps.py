from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark's data generator, installed for its `seed_bench` command only."""

    name = "bench"
    verbose_name = "Benchmark"
