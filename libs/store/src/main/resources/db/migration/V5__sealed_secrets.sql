-- Secret values are sealed (libs/secrets, AES-256-GCM bound to the build and the name) and kept
-- apart from the variables: `variables` keeps each secret's name with `"secret": true` and no
-- value; `secrets` maps the name to its sealed value while the build runs, and is set to NULL in
-- the statement that finishes the build.
ALTER TABLE builds ADD COLUMN secrets jsonb;

-- Before this version secret values were stored in clear in `variables`: erase them. They cannot
-- be sealed here (the key is not in the database); a build that had not finished yet fails on its
-- worker's first pass with a message saying so, and can be started again.
-- [jooq ignore start]
UPDATE builds
SET variables = (
  SELECT jsonb_object_agg(name, CASE WHEN v @> '{"secret": true}' THEN v - 'value' ELSE v END)
  FROM jsonb_each(variables) AS e(name, v))
WHERE jsonb_path_exists(variables, '$.* ? (@.secret == true && exists(@.value))');
-- [jooq ignore stop]
