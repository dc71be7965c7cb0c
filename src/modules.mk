# The kernel modules of kmemlab: the one list.  Makefile.am includes this
# file (make, install, check, the modules' sources for the tarball, and
# dkms.conf through scripts/make-dkms-conf); src/Kbuild and src/subdir.kbuild
# include it; scripts/module-list prints it for the scripts that run
# without a Makefile.  Add a module here and nowhere else (a new directory
# also needs its one-line Kbuild, listed below with the directory's other
# files).
#
#   kmemlab_alloc    kmalloc, vmalloc, kvmalloc, alloc_pages, GFP contexts (5.1, 5.2)
#   kmemlab_slab     a kmem_cache with a constructor, a usercopy window,
#                    bulk calls and a mempool (5.3)
#   kmemlab_percpu   static and dynamic per-CPU data, this_cpu ops,
#                    percpu_counter against an atomic and a spinlock (5.4)
#   kmemlab_dma      the DMA API on any machine, with a software engine (5.5, 5.6)
#   kmemlab_edu      a PCI driver for QEMU's edu device (5.5, 5.6, 5.7)
#   kmemlab_mmap     kernel memory mapped into a process, four ways (5.8)
#   kmemlab_bench    what the allocators of 5.1 and 5.3 cost, timed in the
#                    kernel (kmemlab bench)
#
# Each module is src/<directory>/<name>.ko, built from <name>.c beside it;
# the DMA modules from <name>_main.c (the driver and its engine) and
# <name>_core.c (the DMA core of src/dmacore/, compiled in).
KMEMLAB_SIMPLE_MODULES = \
	src/alloc/kmemlab_alloc.ko \
	src/bench/kmemlab_bench.ko \
	src/mmap/kmemlab_mmap.ko \
	src/percpu/kmemlab_percpu.ko \
	src/slab/kmemlab_slab.ko
KMEMLAB_DMA_MODULES = \
	src/dma/kmemlab_dma.ko \
	src/edu/kmemlab_edu.ko
KMEMLAB_MODULES = $(KMEMLAB_SIMPLE_MODULES) $(KMEMLAB_DMA_MODULES)

# In-kernel test modules (KUnit suites or KTAP): loading one runs its tests.
KMEMLAB_TEST_MODULES = \
	src/alloc/kmemlab_alloc_test.ko \
	src/dma/kmemlab_dma_test.ko \
	src/edu/kmemlab_edu_test.ko \
	src/percpu/kmemlab_percpu_test.ko \
	src/slab/kmemlab_slab_test.ko

# What each module directory holds beside the modules' .c files: its Kbuild
# (one line: it includes src/subdir.kbuild) and the rules header the driver
# shares with its in-kernel tests.
KMEMLAB_MODULE_DIR_FILES = \
	src/alloc/Kbuild src/alloc/kmemlab_alloc_rules.h \
	src/bench/Kbuild \
	src/dma/Kbuild src/dma/kmemlab_dma_rules.h \
	src/edu/Kbuild src/edu/kmemlab_edu_rules.h \
	src/mmap/Kbuild \
	src/percpu/Kbuild src/percpu/kmemlab_percpu_rules.h \
	src/slab/Kbuild src/slab/kmemlab_slab_rules.h
