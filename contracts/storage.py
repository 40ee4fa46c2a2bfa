"""Where contract files go: under the contract's id, with random names."""

from core.uploads import random_name


def contract_file_path(contract, filename):
    return f"contracts/{contract.pk}/{random_name(filename)}"


def version_path(version, filename):
    return f"contracts/{version.contract_id}/versions/{random_name(filename)}"


def report_file_path(report, filename):
    return f"contracts/{report.contract_id}/reports/{report.year}/{random_name(filename)}"


def evidence_path(achievement, filename):
    report = achievement.report
    return f"contracts/{report.contract_id}/reports/{report.year}/{random_name(filename)}"
