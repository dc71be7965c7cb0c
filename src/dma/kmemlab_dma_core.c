// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DMA core (src/dmacore/kmemlab_dmacore.c), compiled into kmemlab_dma
 * as part of its composite object: the module builds and loads on its own.
 */
#include "kmemlab_dmacore.c"
