#!/bin/sh
# What "make demo" shows inside the guest: the allocator driver at work.
run() {
	echo
	echo "\$ $*"
	"$@"
}
echo "kmemlab demo on Linux $(uname -r): kmemlab_alloc, chapters 5.1 and 5.2"
run kmemlab alloc
run kmemlab alloc kvmalloc 8M
run kmemlab alloc kmalloc 256 --gfp atomic --context hardirq
run kmemlab alloc kmalloc 256 --gfp kernel --context hardirq
run kmemlab realloc
run kmemlab gfp
echo
echo "\$ dmesg | grep kmemlab_alloc:"
dmesg | grep "kmemlab_alloc:"
true
