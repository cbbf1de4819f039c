#!/bin/sh
# Lay out nbgrader's exchange for the course, once, as root:
#   hub/make-exchange.sh INSTRUCTOR [EXCHANGE]      (EXCHANGE defaults to /srv/nbgrader/exchange)
#
# The modes are the ones nbgrader's release_assignment would give these folders, plus two
# sticky bits (t) that nbgrader does not set, made in advance and owned by the instructor,
# because nbgrader only checks the owner of a folder that already exists:
#   EXCHANGE                        1777 root        everyone may enter and write (nbgrader checks
#                                                    it), nobody may rename or delete another's folder
#   EXCHANGE/customer-obsession     0755 instructor  made here, so no student can claim the course's name
#     outbound/                     0755 instructor  released lessons: everyone reads
#     inbound/                      3733 instructor  submissions: everyone writes, nobody else lists;
#                                                    set-group-id as nbgrader sets it, so every submission
#                                                    gets the instructor's group (which must hold no
#                                                    student: coursekit.exchange.PrivateSubmit closes each
#                                                    submission to all but its student and that group);
#                                                    sticky: no student renames or deletes another's
#     feedback/                     0711 instructor  feedback pages: each student opens only their own,
#                                                    by a name only their submission gives
set -eu
instructor=${1:?usage: make-exchange.sh INSTRUCTOR [EXCHANGE]}
exchange=${2:-/srv/nbgrader/exchange}
course=customer-obsession
group=$(id -gn "$instructor")

install -d -m 1777 -o root -g root "$exchange"
install -d -m 0755 -o "$instructor" -g "$group" "$exchange/$course" "$exchange/$course/outbound"
install -d -m 0711 -o "$instructor" -g "$group" "$exchange/$course/feedback"
install -d -o "$instructor" -g "$group" "$exchange/$course/inbound"
chmod 3733 "$exchange/$course/inbound"  # install -d does not set the set-group-id bit everywhere
