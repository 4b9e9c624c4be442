# `make prove`: Frama-C/WP over the core, fails on any unproved goal.
.PHONY: prove
prove:
	@./proofs/prove.sh
