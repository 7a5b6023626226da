#!/bin/sh
# Starts the compose file's Mosquitto. At the first start it creates the dynamic security file
# with the service's user (loa-xa-server, password MQTT_SERVICE_PASSWORD) as its admin; at every
# start it lets that user publish on the fleet's topics (loa-xa/#), as docs/device-protocol.md
# sets up by hand.
set -eu
if [ -z "${MQTT_SERVICE_PASSWORD:-}" ]; then
  echo "MQTT_SERVICE_PASSWORD must be set (the service's password on the broker)" >&2
  exit 1
fi
rm -f /tmp/ready
SECURITY=/mosquitto/data/dynamic-security.json
if [ ! -f "$SECURITY" ]; then
  mosquitto_ctrl dynsec init "$SECURITY" loa-xa-server "$MQTT_SERVICE_PASSWORD"
fi
# Started as root, Mosquitto drops to its own user, which must read and rewrite its files.
chown -R mosquitto:mosquitto /mosquitto/data 2>/dev/null || true
mosquitto -c /mosquitto/config/mosquitto.conf &
BROKER=$!
# docker stop: Mosquitto saves its state and ends; the script ends with it.
trap 'kill -TERM "$BROKER"; wait "$BROKER"; exit 0' TERM INT
ctrl() {
  mosquitto_ctrl -h 127.0.0.1 -u loa-xa-server -P "$MQTT_SERVICE_PASSWORD" dynsec "$@"
}
tries=0
# mosquitto_ctrl exits 0 even when refused: its answer tells.
until ctrl getDefaultACLAccess 2>&1 | grep -q publishClientSend; do
  tries=$((tries + 1))
  if [ "$tries" -gt 30 ]; then
    echo "Mosquitto did not answer the service's user (is MQTT_SERVICE_PASSWORD the one of the first start?)" >&2
    kill -TERM "$BROKER"
    exit 1
  fi
  sleep 1
done
# Already there after the first start: its "already exists" answer is fine.
ctrl addRoleACL admin publishClientSend 'loa-xa/#' allow >/dev/null 2>&1 || true
touch /tmp/ready
wait "$BROKER"
