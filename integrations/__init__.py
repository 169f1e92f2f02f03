"""Clients of outside services, one module per service. They import no app of this project."""
