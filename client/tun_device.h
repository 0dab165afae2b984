/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef IPHTTPS_TUN_DEVICE_H
#define IPHTTPS_TUN_DEVICE_H

/*
 * The client's end of the IP-HTTPS link ([MS-IPHTTPS] 3.1.5.3): a kernel TUN
 * device without packet information, so each read and write is one bare IP
 * packet.
 */

/**
 * Open (or attach to) the TUN device `name`, non-blocking. With *offload
 * set, ask for a virtio-net header and IPv6 TCP segmentation offload
 * (tun_offload.h); *offload says on return whether the device took it (an
 * older kernel may not: then every read and write is one bare packet).
 * @return the file descriptor, or -1 with `error` (size `error_len`) saying why.
 */
int tun_device_open(const char *name, int *offload, char *error, unsigned int error_len);

#endif
