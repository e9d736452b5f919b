// Runs a client's main with the command line and prints its result as the last line,
// "RESULT <json>", or {"error": message} with exit code 1: what NodeClients.run reads.
module.exports = function report(main) {
  main(process.argv.slice(2)).then(
    result => console.log('RESULT ' + JSON.stringify(result)),
    error => {
      console.log('RESULT ' + JSON.stringify({ error: error.message }));
      process.exitCode = 1;
    });
};
