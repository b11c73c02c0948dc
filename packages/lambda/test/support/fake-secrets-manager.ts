import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for the Secrets Manager API (GetSecretValue only, JSON 1.1 protocol), for
 * the bundle under Node 24: the SDK inside the bundle cannot be mocked from the test process, so
 * the bundle is pointed at this endpoint through AWS_ENDPOINT_URL_SECRETS_MANAGER.
 */
export async function startFakeSecretsManager(secrets: Record<string, string>) {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      const id = (JSON.parse(body || '{}') as { SecretId?: string }).SecretId ?? '';
      requests.push(`${String(target)} ${id}`);
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      const value = secrets[id];
      if (target !== 'secretsmanager.GetSecretValue' || value === undefined) {
        res.statusCode = 400;
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." }));
        return;
      }
      res.end(JSON.stringify({ ARN: id, Name: id, SecretString: value, VersionId: 'v1', VersionStages: ['AWSCURRENT'], CreatedDate: 1_700_000_000 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
