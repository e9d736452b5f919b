#!/bin/sh
echo "direct.sh ran by its own path"
