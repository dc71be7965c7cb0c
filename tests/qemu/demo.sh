#!/bin/sh
# What "make demo" shows inside the guest: the guided tour of chapters 5.1
# to 5.8 over every driver, then a few single allocations.  A refusal is
# part of the lesson (the hard-IRQ GFP_KERNEL one below): the demo goes on.
set -eu
run() {
	echo
	echo "\$ $*"
	"$@" || :
}
echo "kmemlab demo on Linux $(uname -r): chapters 5.1 to 5.8"
run kmemlab tour
run kmemlab alloc kvmalloc 8M
run kmemlab alloc kmalloc 256 --gfp atomic --context hardirq
run kmemlab alloc kmalloc 256 --gfp kernel --context hardirq
echo
echo "\$ dmesg | grep kmemlab_"
dmesg | grep "kmemlab_[a-z]*:" || :
