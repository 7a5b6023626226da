import { provisionCommands, removalCommands } from './mosquitto-dynsec';

const DEVICE = '019ae3b2-7c4d-7a11-9c3e-5b2f0d1e8a90';

describe('Mosquitto dynamic security commands', () => {
  it('gives a device a client with its password and a role of its own three topics only', () => {
    const commands = provisionCommands(DEVICE, '14797', 'secret');
    expect(commands.map((command) => command.command)).toEqual([
      'deleteClient',
      'deleteRole',
      'createRole',
      'createClient',
    ]);
    expect(commands[2]).toEqual({
      command: 'createRole',
      rolename: `loa-xa-device-${DEVICE}`,
      acls: [
        { acltype: 'subscribeLiteral', topic: `loa-xa/14797/${DEVICE}/cmd`, allow: true },
        { acltype: 'publishClientReceive', topic: `loa-xa/14797/${DEVICE}/cmd`, allow: true },
        { acltype: 'publishClientSend', topic: `loa-xa/14797/${DEVICE}/status`, allow: true },
        { acltype: 'publishClientSend', topic: `loa-xa/14797/${DEVICE}/ack`, allow: true },
      ],
    });
    expect(commands[3]).toEqual({
      command: 'createClient',
      username: DEVICE,
      password: 'secret',
      clientid: DEVICE,
      roles: [{ rolename: `loa-xa-device-${DEVICE}` }],
    });
  });

  it('removes the client and its role', () => {
    expect(removalCommands(DEVICE)).toEqual([
      { command: 'deleteClient', username: DEVICE },
      { command: 'deleteRole', rolename: `loa-xa-device-${DEVICE}` },
    ]);
  });
});
