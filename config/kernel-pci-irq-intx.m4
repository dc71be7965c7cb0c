dnl PCI_IRQ_INTX replaced PCI_IRQ_LEGACY (6.8+); older kernels have only LEGACY.
KMEMLAB_KERNEL_PROBE([pci_irq_intx], [HAVE_PCI_IRQ_INTX],
	[PCI_IRQ_INTX], [
#include <linux/pci.h>
], [
	unsigned int flags = PCI_IRQ_MSI | PCI_IRQ_INTX;

	(void)flags;
])
