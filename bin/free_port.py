"""Print a free TCP port on localhost, or with --check PORT exit 0 if PORT is free."""
import socket
import sys


def is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(('0.0.0.0', port))
        except OSError:
            return False
    return True


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


if __name__ == '__main__':
    if sys.argv[1:2] == ['--check']:
        sys.exit(0 if is_free(int(sys.argv[2])) else 1)
    print(free_port())
