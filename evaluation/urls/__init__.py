"""The evaluation's URLs, one module per stage."""

from . import admissibility, assignment, grid, ranking, workspace

app_name = "evaluation"

urlpatterns = [
    *grid.urlpatterns,
    *admissibility.urlpatterns,
    *assignment.urlpatterns,
    *workspace.urlpatterns,
    *ranking.urlpatterns,
]
