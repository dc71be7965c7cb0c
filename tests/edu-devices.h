/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * edu-devices.h - finding QEMU's edu PCI devices and their kmemlab_edu
 * nodes, for the edu test programs.
 */
#ifndef KMEMLAB_EDU_DEVICES_H
#define KMEMLAB_EDU_DEVICES_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <kmemlab/edu.h>

/* PCI addresses of the edu devices (1234:11e8) present, from sysfs. */
static inline int edu_pci_devices(char names[][16], int max)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) && n < max) {
		char path[300], ids[2][16] = { "", "" };
		FILE *f;
		int k;

		for (k = 0; k < 2; k++) {
			snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", de->d_name,
				 k ? "device" : "vendor");
			f = fopen(path, "r");
			if (f) {
				if (!fgets(ids[k], sizeof(ids[k]), f))
					ids[k][0] = '\0';
				fclose(f);
			}
		}
		if (!strncmp(ids[0], "0x1234", 6) && !strncmp(ids[1], "0x11e8", 6))
			snprintf(names[n++], 16, "%.15s", de->d_name);
	}
	if (d)
		closedir(d);
	return n;
}

/* The /dev/kmemlab/eduN nodes present. */
static inline int edu_nodes(char nodes[][64], int max)
{
	DIR *d = opendir("/dev/kmemlab");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) && n < max)
		if (!strncmp(de->d_name, "edu", 3))
			snprintf(nodes[n++], 64, "/dev/kmemlab/%.40s", de->d_name);
	if (d)
		closedir(d);
	return n;
}

static inline int edu_info(int fd, struct kmemlab_edu_info *i)
{
	memset(i, 0, sizeof(*i));
	i->argsz = sizeof(*i);
	return ioctl(fd, KMEMLAB_EDU_IOC_INFO, i);
}

#endif /* KMEMLAB_EDU_DEVICES_H */
