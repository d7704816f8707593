// A deploy workflow as teams write them: workflow_dispatch with a choice, a version and a
// correlation input that run-name shows, so the run we started can be found again.
export const DEPLOY_YML = `name: Deploy
run-name: Deploy \${{ inputs.environment }} \${{ inputs.version }} (\${{ inputs.correlation_id }})
on:
  workflow_dispatch:
    inputs:
      environment:
        type: choice
        options: [staging, production]
        required: true
      version:
        type: string
        required: true
      correlation_id:
        type: string
jobs:
  deploy:
    name: Deploy
    runs-on: ubuntu-latest
    environment:
      name: \${{ inputs.environment }}
    steps:
      - name: Roll out
        run: ./deploy.sh
`;
