/* SPDX-License-Identifier: BSD-3-Clause */
#include "tun_device.h"
#include "tun_offload.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int tun_device_open(const char *name, int *offload, char *error, unsigned int error_len)
{
	struct ifreq ifr;
	int fd;

	if (strlen(name) >= IFNAMSIZ) {
		snprintf(error, error_len, "TUN name \"%s\" is longer than %d characters", name, IFNAMSIZ - 1);
		return -1;
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(error, error_len, "/dev/net/tun: %s", strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	/* IFF_NO_PI: no 4-byte header; the link carries IPv6 packets only. */
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (*offload ? IFF_VNET_HDR : 0);
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		snprintf(error, error_len, "TUNSETIFF %s: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	if (*offload) {
		int hdr = TUN_VNET_HDR_BYTES;
		unsigned int features = TUN_F_CSUM | TUN_F_TSO6;

		if (ioctl(fd, TUNSETVNETHDRSZ, &hdr) != 0 || ioctl(fd, TUNSETOFFLOAD, features) != 0) {
			/* Without offload the header stays (IFF_VNET_HDR is set): zero ones, as
			 * tun_offload.c writes for lone packets, still work; reads carry none
			 * of GSO. Say so and go on with what the device gives. */
			fprintf(stderr, "iphttps-client: %s: no TCP segmentation offload (%s); one packet per read\n",
				name, strerror(errno));
		}
	}
	return fd;
}
