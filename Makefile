# customer_invoicing_flow: the two commands are `make demo` and `make test`.
# Everything is set up on first use (bin/lib.sh) and reused afterwards.
SHELL := /bin/bash
.DEFAULT_GOAL := help

DEMO_DB ?= cif_demo
TEST_DB ?= cif_test
export DEMO_DB TEST_DB

.PHONY: help setup demo test lint bench stop clean

help:
	@echo "make demo   set up, create/update the $(DEMO_DB) database with demo data, serve Odoo"
	@echo "make test   set up, lint, run the whole test suite on a fresh $(TEST_DB) database"
	@echo "make lint   pylint-odoo, the OCA module checks and flake8"
	@echo "make bench  the addon against Odoo's route and the OCA peers (SCALE=small|medium|large)"
	@echo "make setup  only install and start what the project needs"
	@echo "make stop   stop the private PostgreSQL server"
	@echo "make clean  stop it and remove .venv and .local (virtualenvs, databases, filestore)"

setup:
	bin/setup

demo:
	bin/demo

test:
	bin/test

lint:
	bin/lint

bench:
	bin/bench

stop:
	bin/db-stop

clean: stop
	rm -rf .venv .local
