dnl pcim_iomap_region(pdev, bar, name): request and map one BAR, managed,
dnl returning an ERR_PTR on failure (6.11+; older kernels: pcim_iomap_regions).
dnl Read by src/compat/kmemlab_compat.h:kmemlab_pcim_iomap_bar(), which
dnl src/edu/kmemlab_edu_main.c:kmemlab_edu_probe() calls.
KMEMLAB_KERNEL_PROBE_LINK([pcim_iomap_region], [HAVE_PCIM_IOMAP_REGION],
	[pcim_iomap_region()], [
#include <linux/pci.h>
], [
	struct pci_dev *pdev = NULL;
	void __iomem *regs;

	if (pdev) {
		regs = pcim_iomap_region(pdev, 0, "kmemlab_probe");
		if (IS_ERR(regs))
			return PTR_ERR(regs);
	}
])
