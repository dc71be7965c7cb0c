#!/bin/sh
# What "make demo" shows inside the guest: the allocator driver at work.
run() {
	echo
	echo "\$ $*"
	"$@"
}
echo "kmemlab demo on Linux $(uname -r): chapters 5.1 to 5.8"
run kmemlab alloc
run kmemlab alloc kvmalloc 8M
run kmemlab alloc kmalloc 256 --gfp atomic --context hardirq
run kmemlab alloc kmalloc 256 --gfp kernel --context hardirq
run kmemlab realloc
run kmemlab gfp
run kmemlab slab
run kmemlab percpu 100000
run kmemlab dma
run kmemlab edu
run kmemlab mmap
echo
echo "\$ dmesg | grep kmemlab_"
dmesg | grep "kmemlab_[a-z]*:"
true
