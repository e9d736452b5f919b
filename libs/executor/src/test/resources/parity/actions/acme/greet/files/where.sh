echo "script of $(basename "$(dirname "$GITHUB_ACTION_PATH")") ran"
