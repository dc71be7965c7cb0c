# The kernel modules of kmemlab: the one list.  Makefile.am includes this
# file (make, install, check, the modules' sources for the tarball, and
# dkms.conf through scripts/make-dkms-conf); src/Kbuild and src/subdir.kbuild
# include it and build every module named here.  Add a module here (a new
# directory also needs its one-line Kbuild, and its place in Makefile.am's
# KMEMLAB_KBUILD_FILES).
#
#   kmemlab_alloc    kmalloc, vmalloc, kvmalloc, alloc_pages, GFP contexts (5.1, 5.2)
#   kmemlab_slab     a kmem_cache with a constructor, a usercopy window,
#                    bulk calls and a mempool (5.3)
#   kmemlab_percpu   static and dynamic per-CPU data, this_cpu ops,
#                    percpu_counter against an atomic and a spinlock (5.4)
#   kmemlab_dma      the DMA API on any machine, with a software engine (5.5, 5.6)
#   kmemlab_edu      a PCI driver for QEMU's edu device (5.5, 5.6, 5.7)
#   kmemlab_mmap     kernel memory mapped into a process, four ways (5.8)
#
# Each module is src/<directory>/<name>.ko, built from <name>.c beside it;
# the DMA modules from <name>_main.c (the driver and its engine) and
# <name>_core.c (the DMA core of src/dmacore/, compiled in).
KMEMLAB_SIMPLE_MODULES = \
	src/alloc/kmemlab_alloc.ko \
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
