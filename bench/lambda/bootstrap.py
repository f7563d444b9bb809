#!/usr/bin/python3
"""Run reference_handler.lambda_handler under the Lambda Runtime API.

A minimal custom-runtime loop (what the Python runtime interface client does):
GET the next event, call the handler, POST its result or the error, repeat.
Start-up failures go to /runtime/init/error and end the process. Uses only
the standard library besides the handler's own imports.
"""

import json
import os
import sys
import time
import traceback
import urllib.request

API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def post(path, payload, headers=None):
    request = urllib.request.Request(API + path, data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json",
                                              **(headers or {})}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def error_payload(error):
    return {"errorType": type(error).__name__, "errorMessage": str(error)[:1000],
            "stackTrace": traceback.format_exception(error)[-5:]}


class Context:
    def __init__(self, headers):
        self.aws_request_id = headers["Lambda-Runtime-Aws-Request-Id"]
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn", "")
        self.deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms", "0"))

    def get_remaining_time_in_millis(self):
        return max(0, self.deadline_ms - int(time.time() * 1000))


def main():
    try:
        import reference_handler
    except Exception as error:  # any import failure is an init error for Lambda
        post("/init/error", error_payload(error),
             {"Lambda-Runtime-Function-Error-Type": "Runtime.ImportModuleError"})
        return 1
    while True:
        with urllib.request.urlopen(API + "/invocation/next") as response:
            context = Context(response.headers)
            event = json.loads(response.read())
        base = f"/invocation/{context.aws_request_id}"
        try:
            result = reference_handler.lambda_handler(event, context)
        except Exception as error:  # the handler's failure is reported, the loop goes on
            print(f"handler failed: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
            post(base + "/error", error_payload(error),
                 {"Lambda-Runtime-Function-Error-Type": "Unhandled"})
            continue
        post(base + "/response", result)


if __name__ == "__main__":
    sys.exit(main())
