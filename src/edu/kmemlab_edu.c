// SPDX-License-Identifier: GPL-2.0-only
/*
 * kmemlab_edu - chapter 5.7: device registers through ioremap, on QEMU's
 * edu PCI device (1234:11e8, "-device edu").
 *
 * What it shows:
 *  - a PCI driver built on managed helpers: pcim_enable_device(), BAR0
 *    requested and mapped with pcim_iomap_region() (through the compat
 *    header on kernels before 6.11), interrupt vectors freed with the device;
 *  - a register map as #defines with BIT(), read and written only through
 *    typed accessors (edu_read32/edu_write32), never raw offsets;
 *  - identification and version check, and the liveness register;
 *  - the factorial unit completed by interrupt: MSI when the platform
 *    offers it, the shared legacy line otherwise; the handler returns
 *    IRQ_NONE when the device has nothing pending (the line is shared) and
 *    acknowledges what it handles through the acknowledge register;
 *  - the 28-bit DMA mask the device has, set with dma_set_mask_and_coherent();
 *  - one character device per edu device, and safe removal: a file open on
 *    a device that is removed gets -ENODEV from then on, and the driver's
 *    state lives until the last such file is closed.
 *
 * What you will see: /dev/kmemlab/edu0, edu1, ... (root only), driven
 * through include/uapi/kmemlab/edu.h; "kmemlab_edu 0000:00:0N.0: ..." in
 * dmesg at probe and remove; the interrupt in /proc/interrupts.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/completion.h>
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <kmemlab/edu.h>
#include "kmemlab_compat.h"
#include "kmemlab_ioctl.h"

#define EDU_VENDOR_ID		0x1234
#define EDU_DEVICE_ID		0x11e8

/* The edu register map (BAR0).  Offsets below 0x80 take 32-bit accesses. */
#define EDU_REG_ID		0x00	/* 0xRRrr00ed: major RR, minor rr */
#define   EDU_ID_MAGIC_MASK	GENMASK(7, 0)
#define   EDU_ID_MAGIC		0xed
#define   EDU_ID_MINOR_MASK	GENMASK(23, 16)
#define   EDU_ID_MAJOR_MASK	GENMASK(31, 24)
#define EDU_REG_LIVENESS	0x04	/* reads back the bitwise NOT */
#define EDU_REG_FACTORIAL	0x08	/* write n, read n! (32 bits) */
#define EDU_REG_STATUS		0x20
#define   EDU_STATUS_COMPUTING	BIT(0)	/* read only: factorial busy */
#define   EDU_STATUS_IRQ_FACT	BIT(7)	/* raise an interrupt when done */
#define EDU_REG_IRQ_STATUS	0x24	/* pending interrupt causes */
#define   EDU_IRQ_FACT		BIT(0)	/* the factorial finished */
#define   EDU_IRQ_DMA		BIT(8)	/* a DMA transfer finished */
#define EDU_REG_IRQ_RAISE	0x60
#define EDU_REG_IRQ_ACK		0x64	/* write the causes handled */

#define EDU_DMA_MASK_BITS	28
#define EDU_FACTORIAL_TIMEOUT	msecs_to_jiffies(2000)

/* One edu device.  Lives until remove() and the last open file let go. */
struct kmemlab_edu {
	struct kref ref;
	struct pci_dev *pdev;
	void __iomem *regs;
	struct miscdevice misc;
	char node_name[24];		/* kmemlab/eduN */
	char misc_name[24];		/* kmemlab_eduN */
	int index;

	/* Held for reading by every file operation, for writing by remove():
	 * once @gone is set, nothing touches the registers any more.
	 */
	struct rw_semaphore remove_lock;
	bool gone;

	struct mutex fact_lock;		/* one factorial at a time */
	struct completion fact_done;
	unsigned int irq_kind;
	atomic64_t irqs, irqs_none, factorials;
};

static DEFINE_IDA(kmemlab_edu_ida);

static u32 edu_read32(struct kmemlab_edu *edu, unsigned int reg)
{
	return ioread32(edu->regs + reg);
}

static void edu_write32(struct kmemlab_edu *edu, unsigned int reg, u32 val)
{
	iowrite32(val, edu->regs + reg);
}

static void kmemlab_edu_free(struct kref *ref)
{
	struct kmemlab_edu *edu = container_of(ref, struct kmemlab_edu, ref);

	ida_free(&kmemlab_edu_ida, edu->index);
	kfree(edu);
}

static irqreturn_t kmemlab_edu_irq(int irq, void *data)
{
	struct kmemlab_edu *edu = data;
	u32 causes = edu_read32(edu, EDU_REG_IRQ_STATUS);

	if (!causes) {			/* the line is shared: not ours */
		atomic64_inc(&edu->irqs_none);
		return IRQ_NONE;
	}
	edu_write32(edu, EDU_REG_IRQ_ACK, causes);
	atomic64_inc(&edu->irqs);
	if (causes & EDU_IRQ_FACT)
		complete(&edu->fact_done);
	return IRQ_HANDLED;
}

static int kmemlab_edu_factorial(struct kmemlab_edu *edu,
				 struct kmemlab_edu_factorial *f)
{
	long left;

	if (f->n > KMEMLAB_EDU_FACTORIAL_MAX)
		return -EINVAL;
	mutex_lock(&edu->fact_lock);
	if (edu_read32(edu, EDU_REG_STATUS) & EDU_STATUS_COMPUTING) {
		mutex_unlock(&edu->fact_lock);	/* an earlier one timed out */
		return -EBUSY;
	}
	reinit_completion(&edu->fact_done);
	edu_write32(edu, EDU_REG_STATUS, EDU_STATUS_IRQ_FACT);
	edu_write32(edu, EDU_REG_FACTORIAL, f->n);
	left = wait_for_completion_killable_timeout(&edu->fact_done,
						    EDU_FACTORIAL_TIMEOUT);
	if (left > 0) {
		f->result = edu_read32(edu, EDU_REG_FACTORIAL);
		f->by_irq = 1;
		atomic64_inc(&edu->factorials);
	}
	mutex_unlock(&edu->fact_lock);
	if (left == 0)
		return -ETIMEDOUT;
	return left < 0 ? -EINTR : 0;
}

static long kmemlab_edu_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct kmemlab_edu *edu = file->private_data;
	void __user *uarg = (void __user *)arg;
	union {
		struct kmemlab_edu_info info;
		struct kmemlab_edu_liveness live;
		struct kmemlab_edu_factorial fact;
	} u;
	size_t size;
	u32 id;
	int ret;

	switch (cmd) {
	case KMEMLAB_EDU_IOC_INFO:
		size = sizeof(u.info);
		break;
	case KMEMLAB_EDU_IOC_LIVENESS:
		size = sizeof(u.live);
		break;
	case KMEMLAB_EDU_IOC_FACTORIAL:
		size = sizeof(u.fact);
		break;
	default:
		return -ENOTTY;
	}
	ret = kmemlab_copy_arg(&u, size, uarg);
	if (ret)
		return ret;

	down_read(&edu->remove_lock);
	if (edu->gone) {
		ret = -ENODEV;
		goto out_unlock;
	}
	switch (cmd) {
	case KMEMLAB_EDU_IOC_INFO:
		memset(&u.info, 0, sizeof(u.info));
		u.info.argsz = sizeof(u.info);
		id = edu_read32(edu, EDU_REG_ID);
		u.info.id = id;
		u.info.version_major = FIELD_GET(EDU_ID_MAJOR_MASK, id);
		u.info.version_minor = FIELD_GET(EDU_ID_MINOR_MASK, id);
		u.info.irq_kind = edu->irq_kind;
		u.info.dma_mask_bits = EDU_DMA_MASK_BITS;
		u.info.bar0_size = pci_resource_len(edu->pdev, 0);
		u.info.irqs = atomic64_read(&edu->irqs);
		u.info.irqs_none = atomic64_read(&edu->irqs_none);
		u.info.factorials = atomic64_read(&edu->factorials);
		kmemlab_strscpy_array(u.info.pci_name, pci_name(edu->pdev));
		break;
	case KMEMLAB_EDU_IOC_LIVENESS:
		edu_write32(edu, EDU_REG_LIVENESS, u.live.value);
		u.live.readback = edu_read32(edu, EDU_REG_LIVENESS);
		u.live.alive = u.live.readback == ~u.live.value;
		break;
	case KMEMLAB_EDU_IOC_FACTORIAL:
		u.fact.result = 0;
		u.fact.by_irq = 0;
		ret = kmemlab_edu_factorial(edu, &u.fact);
		break;
	}
out_unlock:
	up_read(&edu->remove_lock);
	if (ret)
		return ret;
	return copy_to_user(uarg, &u, size) ? -EFAULT : 0;
}

static int kmemlab_edu_open(struct inode *inode, struct file *file)
{
	/* misc_open() set private_data to our miscdevice, and holds the misc
	 * lock that remove()'s misc_deregister() needs: the device is alive.
	 */
	struct kmemlab_edu *edu = container_of(file->private_data,
					       struct kmemlab_edu, misc);

	kref_get(&edu->ref);
	file->private_data = edu;
	return nonseekable_open(inode, file);
}

static int kmemlab_edu_release(struct inode *inode, struct file *file)
{
	struct kmemlab_edu *edu = file->private_data;

	kref_put(&edu->ref, kmemlab_edu_free);
	return 0;
}

static const struct file_operations kmemlab_edu_fops = {
	.owner = THIS_MODULE,
	.open = kmemlab_edu_open,
	.release = kmemlab_edu_release,
	.unlocked_ioctl = kmemlab_edu_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = kmemlab_no_llseek,
};

/* Request one vector: MSI if possible, else the shared legacy line. */
static int kmemlab_edu_setup_irq(struct kmemlab_edu *edu)
{
	struct pci_dev *pdev = edu->pdev;
	int ret;

	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI | KMEMLAB_PCI_IRQ_INTX);
	if (ret < 0)
		return ret;
	edu->irq_kind = pdev->msi_enabled ? KMEMLAB_EDU_IRQ_MSI : KMEMLAB_EDU_IRQ_INTX;
	ret = request_irq(pci_irq_vector(pdev, 0), kmemlab_edu_irq, IRQF_SHARED,
			  edu->misc_name, edu);
	if (ret)
		pci_free_irq_vectors(pdev);
	return ret;
}

static void kmemlab_edu_teardown_irq(struct kmemlab_edu *edu)
{
	free_irq(pci_irq_vector(edu->pdev, 0), edu);
	pci_free_irq_vectors(edu->pdev);
}

static int kmemlab_edu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct device *dev = &pdev->dev;
	struct kmemlab_edu *edu;
	u32 ident;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;

	edu = kzalloc(sizeof(*edu), GFP_KERNEL);
	if (!edu)
		return -ENOMEM;
	kref_init(&edu->ref);
	edu->pdev = pdev;
	init_rwsem(&edu->remove_lock);
	mutex_init(&edu->fact_lock);
	init_completion(&edu->fact_done);
	edu->index = ida_alloc(&kmemlab_edu_ida, GFP_KERNEL);
	if (edu->index < 0) {
		ret = edu->index;
		goto err_free_edu;
	}
	snprintf(edu->misc_name, sizeof(edu->misc_name), "kmemlab_edu%d", edu->index);
	snprintf(edu->node_name, sizeof(edu->node_name), "kmemlab/edu%d", edu->index);

	edu->regs = kmemlab_pcim_iomap_bar(pdev, 0, KBUILD_MODNAME);
	if (IS_ERR(edu->regs)) {
		ret = PTR_ERR(edu->regs);
		dev_err(dev, "cannot map BAR0: %d\n", ret);
		goto err_put_edu;
	}
	ident = edu_read32(edu, EDU_REG_ID);
	if (FIELD_GET(EDU_ID_MAGIC_MASK, ident) != EDU_ID_MAGIC ||
	    FIELD_GET(EDU_ID_MAJOR_MASK, ident) != 1) {
		dev_err(dev, "not an edu device version 1.x (id %#x)\n", ident);
		ret = -ENODEV;
		goto err_put_edu;
	}
	edu_write32(edu, EDU_REG_LIVENESS, 0x5a5aa5a5);
	if (edu_read32(edu, EDU_REG_LIVENESS) != ~0x5a5aa5a5U) {
		dev_err(dev, "liveness check failed\n");
		ret = -EIO;
		goto err_put_edu;
	}
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(EDU_DMA_MASK_BITS));
	if (ret) {
		dev_err(dev, "no usable %d-bit DMA: %d\n", EDU_DMA_MASK_BITS, ret);
		goto err_put_edu;
	}
	pci_set_master(pdev);

	ret = kmemlab_edu_setup_irq(edu);
	if (ret) {
		dev_err(dev, "cannot set up the interrupt: %d\n", ret);
		goto err_put_edu;
	}

	edu->misc.minor = MISC_DYNAMIC_MINOR;
	edu->misc.name = edu->misc_name;
	edu->misc.nodename = edu->node_name;
	edu->misc.mode = 0600;
	edu->misc.fops = &kmemlab_edu_fops;
	edu->misc.parent = dev;
	ret = misc_register(&edu->misc);
	if (ret) {
		dev_err(dev, "cannot register /dev/%s: %d\n", edu->node_name, ret);
		goto err_teardown_irq;
	}
	pci_set_drvdata(pdev, edu);
	dev_info(dev, "edu %lu.%lu, %s interrupt, %d-bit DMA: /dev/%s\n",
		 FIELD_GET(EDU_ID_MAJOR_MASK, ident), FIELD_GET(EDU_ID_MINOR_MASK, ident),
		 edu->irq_kind == KMEMLAB_EDU_IRQ_MSI ? "MSI" : "INTx",
		 EDU_DMA_MASK_BITS, edu->node_name);
	return 0;

err_teardown_irq:
	kmemlab_edu_teardown_irq(edu);
err_put_edu:
	kref_put(&edu->ref, kmemlab_edu_free);
	return ret;

err_free_edu:
	kfree(edu);
	return ret;
}

static void kmemlab_edu_remove(struct pci_dev *pdev)
{
	struct kmemlab_edu *edu = pci_get_drvdata(pdev);

	misc_deregister(&edu->misc);		/* no new opens */
	down_write(&edu->remove_lock);		/* wait out running calls */
	edu->gone = true;
	up_write(&edu->remove_lock);
	kmemlab_edu_teardown_irq(edu);
	dev_info(&pdev->dev, "removed /dev/%s\n", edu->node_name);
	kref_put(&edu->ref, kmemlab_edu_free);	/* open files keep the rest */
}

static const struct pci_device_id kmemlab_edu_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR_ID, EDU_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, kmemlab_edu_ids);

static struct pci_driver kmemlab_edu_driver = {
	.name = KBUILD_MODNAME,
	.id_table = kmemlab_edu_ids,
	.probe = kmemlab_edu_probe,
	.remove = kmemlab_edu_remove,
};
module_pci_driver(kmemlab_edu_driver);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("kmemlab developers");
MODULE_DESCRIPTION("kmemlab: QEMU's edu PCI device: registers, identification, factorial by interrupt");
