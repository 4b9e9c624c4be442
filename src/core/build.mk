# The proved core: pure C, compiled into the hypervisor and checked by WP
# (proofs/prove.sh) and by the host unit tests (tests/unit/).
CORE_SRCS := $(wildcard src/core/*.c)
