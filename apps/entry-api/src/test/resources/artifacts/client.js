// Drives the real @actions/artifact 2.x against Pipewright's artifact service, as
// upload-artifact@v4 and download-artifact@v4 do. Reads ACTIONS_RUNTIME_TOKEN and
// ACTIONS_RESULTS_URL like the actions; prints its result as the last line, "RESULT <json>".
//   node client.js upload NAME ROOT FILE...   node client.js download NAME DIR
//   node client.js list                       node client.js delete NAME
const { DefaultArtifactClient } = require('@actions/artifact');

async function main(argv) {
  const client = new DefaultArtifactClient();
  const [command, ...args] = argv;
  switch (command) {
    case 'upload': {
      const [name, root, ...files] = args;
      return client.uploadArtifact(name, files, root, { retentionDays: 1 });
    }
    case 'download': {
      const [name, dir] = args;
      const { artifact } = await client.getArtifact(name);
      const result = await client.downloadArtifact(artifact.id, { path: dir, expectedHash: artifact.digest });
      return { ...result, id: artifact.id, digest: artifact.digest };
    }
    case 'list':
      return client.listArtifacts();
    case 'delete':
      return client.deleteArtifact(args[0]);
    default:
      throw new Error('unknown command ' + command);
  }
}

require('../node/report.js')(main);
