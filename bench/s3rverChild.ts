// An s3rver in its own process for the store bench (so its memory is not counted as ours): prints its
// port on the first stdout line, serves until stdin closes. Usage: node --import tsx bench/s3rverChild.ts DIR BUCKET
import S3rver from 's3rver';

const [dir, bucket] = process.argv.slice(2);
const server = new S3rver({ address: '127.0.0.1', port: 0, directory: dir!, silent: true, configureBuckets: [{ name: bucket! }] });
const { port } = await server.run();
process.stdout.write(`${port}\n`);
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
