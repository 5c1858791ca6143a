/*
 * listener: a tiny TCP server for the hostfwd test. It listens on the port given as argv[1] (default 7777), and for
 * each of at most argv[2] (default 1) connections reads one line and answers "guest got: <line>", then exits.
 * With argv[3] = "sink" it instead reads each connection to its end and answers "guest got N bytes" (a TCP
 * throughput probe for tools/net-bench.py).
 * Built static for the guest: powerpc-linux-gnu-gcc -static -O2 -mcpu=440fp (see build.sh).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 7777;
	int count = argc > 2 ? atoi(argv[2]) : 1;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	struct sockaddr_in a;

	if (s < 0) { perror("socket"); return 1; }
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 4)) { perror("bind/listen"); return 1; }
	printf("listener: listening on port %d\n", port);
	fflush(stdout);
	while (count-- > 0) {
		char line[256], reply[300];
		int c = accept(s, NULL, NULL), n = 0;
		if (c < 0) { perror("accept"); return 1; }
		if (argc > 3 && strcmp(argv[3], "sink") == 0) {
			static char big[65536];
			long long total = 0;
			ssize_t r;
			while ((r = read(c, big, sizeof big)) > 0)
				total += r;
			snprintf(reply, sizeof reply, "guest got %lld bytes\n", total);
			if (write(c, reply, strlen(reply)) < 0) perror("write");
			close(c);
			continue;
		}
		while (n < (int)sizeof line - 1) {
			ssize_t r = read(c, line + n, 1);
			if (r <= 0 || line[n] == '\n') break;
			n++;
		}
		line[n] = 0;
		snprintf(reply, sizeof reply, "guest got: %s\n", line);
		if (write(c, reply, strlen(reply)) < 0) perror("write");
		printf("listener: served \"%s\"\n", line);
		fflush(stdout);
		close(c);
	}
	return 0;
}
