dnl PCI_IRQ_INTX replaced PCI_IRQ_LEGACY (6.8+); older kernels have only LEGACY.
dnl Read by src/compat/kmemlab_compat.h (KMEMLAB_PCI_IRQ_INTX), which
dnl src/edu/kmemlab_edu_main.c:kmemlab_edu_setup_irq() passes to
dnl pci_alloc_irq_vectors().
KMEMLAB_KERNEL_PROBE([pci_irq_intx], [HAVE_PCI_IRQ_INTX],
	[PCI_IRQ_INTX], [
#include <linux/pci.h>
], [
	unsigned int flags = PCI_IRQ_MSI | PCI_IRQ_INTX;

	(void)flags;
])
