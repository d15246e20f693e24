# Shared settings for host tools and host tests.
HCC      ?= cc
BUILD    ?= $(TOP)/build
HOST_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g -D_DEFAULT_SOURCE
