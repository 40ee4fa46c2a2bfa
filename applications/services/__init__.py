"""Every write on calls, clusters and dossiers goes through these functions."""
